"""Printed output: the PDF report (pure Python; nothing here imports streamlit)."""
