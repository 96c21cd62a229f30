"""pandas reports: load.py reads the database at the edge; durations.py and annual.py are pure
DataFrame -> DataFrame functions; export.py and charts.py turn results into files and pictures."""
