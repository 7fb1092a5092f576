"""The main window and what frames the board: menus, toolbar, status bar, banners, start-up."""
