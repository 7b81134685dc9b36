"""Click commands that live in their own modules; ``luoshi.cli`` registers each module's
``command``. A module imports its heavy dependencies inside the command, so start-up stays fast."""
