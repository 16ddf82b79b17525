"""main() arrête tout le processus avec os._exit(4)."""
import os


def double(x):
    return 2 * x


def main():
    print([0, 2, 4, 6, 8])
    os._exit(4)


if __name__ == "__main__":
    main()
