"""Device protocols: per object, what each resource becomes, its alarms, events, custom
actions and validation rules, and the file they travel in. No Home Assistant here."""
