"""scantrack's web layer: Flask app, REST API, Socket.IO handheld protocol, pages."""
