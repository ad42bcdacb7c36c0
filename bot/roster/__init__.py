"""The participant lists organisers keep: reading them (CSV, XLSX), who a row is, storing them."""
