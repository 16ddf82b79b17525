DUREE = 0.1


def carre(x):
    return x * x
