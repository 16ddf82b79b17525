métadonnées macOS
