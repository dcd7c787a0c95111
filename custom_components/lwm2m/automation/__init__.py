"""Device automations: the triggers, conditions and actions the automation editor offers
for an LwM2M device, and the logbook's lines for the integration's bus events.

Home Assistant finds the platforms by their module names at the integration's root
(``device_trigger``, ``device_condition``, ``device_action``, ``logbook``); they stay thin
and this package holds what they share.
"""
