// One browser scenario at a time: on a 2-core CI machine parallel Chromium instances starve each other's portals.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
