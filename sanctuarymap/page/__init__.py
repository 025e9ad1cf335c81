"""The map page: what it is handed (the changes payload, the map's HTML) and what it says back (the bridge).
Imports the data layer only."""
