"""Data files (provider presets, translations, icons) shipped inside the package."""
