"""main() quitte le programme avec sys.exit(2) au lieu de renvoyer la liste."""
import sys
from multiprocessing import Pool


def double(x):
    return 2 * x


def main():
    with Pool(2) as pool:
        print(pool.map(double, range(5)))
    sys.exit(2)


if __name__ == "__main__":
    main()
