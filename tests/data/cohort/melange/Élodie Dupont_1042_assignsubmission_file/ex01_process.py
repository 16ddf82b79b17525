def info_processus(titre):
    return None
