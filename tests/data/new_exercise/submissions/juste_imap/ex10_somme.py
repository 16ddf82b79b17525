import multiprocessing


def carre(x):
    return x * x


def somme_carres(nombres, processes):
    pool = multiprocessing.Pool(processes=processes)
    try:
        total = 0
        for valeur in pool.imap_unordered(carre, nombres, chunksize=2):
            total += valeur
        return total
    finally:
        pool.close()
        pool.join()


if __name__ == "__main__":
    print(somme_carres(range(10), 3))
