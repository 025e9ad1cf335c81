"""Under which terms the data may be reused: said in the About page, in the downloads' caption, and inside
every downloaded file (reader.about, reader.download)."""

RECORDS = "Records: CC BY 4.0, Sanctuary Map 2017 editors (records/README.md); the linked sources belong to their publishers"
BOUNDARIES = (
    "Boundaries: U.S. Census Bureau cartographic boundary files, 2017 edition (public domain), via the npm package "
    "us-atlas 3.0.1 (ISC); city points: coordinates from each city's Wikipedia page (CC BY-SA), checked against "
    "GeoNames (CC BY 4.0)"
)
