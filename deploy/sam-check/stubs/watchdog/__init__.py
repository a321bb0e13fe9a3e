"""Stand-ins for watchdog: SAM CLI's file watching (warm containers) is not used by the check."""
