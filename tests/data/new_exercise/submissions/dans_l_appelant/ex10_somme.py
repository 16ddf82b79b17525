def carre(x):
    return x * x


def somme_carres(nombres, processes):
    return sum(carre(n) for n in nombres)  # no Pool: every square in the caller


if __name__ == "__main__":
    print(somme_carres([1, 2, 3], 2))
