"""Loading and the rules: the records and boundaries read and checked, joined, and each place's status
worked out day by day. Knows nothing of the page, of HTML or of Streamlit: imports only within itself."""
