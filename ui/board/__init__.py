"""The Kanban board: column models and views, the card painter, the controller, the detail pane."""
