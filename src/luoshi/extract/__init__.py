"""Figure extraction (placeholder)."""
def extract_figures(doc, outline=None):
    return []
