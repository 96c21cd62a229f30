"""pandas reports: catalogue.py says what each report is and builds it for a period and a
ReportScope; load.py reads the database at the edge; durations.py and annual.py are pure
DataFrame -> DataFrame functions; export.py, downloads.py and charts.py turn results into files
and pictures."""
