"""The names of the exchange format's kinds, in file order — light enough for the command line's help."""

KIND_NAMES = ("instances", "reseaux", "partenaires", "liens", "actions", "action_partenaires", "indicateurs",
              "referentiel")
