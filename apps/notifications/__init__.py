"""In-app notifications: a user's inbox, the bell with the unread count."""
