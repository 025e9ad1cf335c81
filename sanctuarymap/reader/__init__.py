"""What readers see beside the map: the place's story, the day's events, the chart, the table, the
comparison, the downloads, the words. Imports the data and page layers; never Streamlit (app.py draws)."""
