"""What every part of the window uses: the task runner, the event hub, theme, prompts, window state."""
