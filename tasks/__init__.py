"""One Inspect task per hint type, all built by `hint_task.build_hint_task`."""
