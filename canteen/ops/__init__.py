"""Operations: backups that restore (:mod:`.backup`, :mod:`.restore`, :mod:`.drill`), the figures that prove a
copy equals its source (:mod:`.figures`), and local clusters for the standby drill (:mod:`.cluster`)."""
