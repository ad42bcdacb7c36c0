"""Results exports used by the bot and the admin script: sheets, scores, heatmap, XLSX writer."""
