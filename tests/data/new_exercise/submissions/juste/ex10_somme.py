from multiprocessing import Pool


def carre(x):
    return x * x


def somme_carres(nombres, processes):
    with Pool(processes) as pool:
        return sum(pool.map(carre, nombres))


if __name__ == "__main__":
    print(somme_carres([1, 2, 3], 2))
