"""What participants and staff see: questions, buttons and their payloads, rendered pages."""
