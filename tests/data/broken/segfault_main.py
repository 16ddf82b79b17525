"""main() provoque une erreur de segmentation (ctypes lit l'adresse 0), ligne 10."""
import ctypes


def double(x):
    return 2 * x


def main():
    ctypes.string_at(0)
    return [0, 2, 4, 6, 8]


if __name__ == "__main__":
    main()
