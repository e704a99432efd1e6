"""lenses."""
