namespace Workstation.Portal.Notifications;

/// <summary>An inbound webhook event was stored (before its 202): features that read the stored events wake up.</summary>
public sealed record InboundEventStored(long Id, string Source, string Type);
