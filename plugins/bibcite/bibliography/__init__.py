"""The bibliography: .bib files read (first-pass scan, lazy entries), located errors, disk cache."""
