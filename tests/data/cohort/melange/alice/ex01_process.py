def info_processus(titre):
    return {"titre": titre}
