namespace Workstation.Portal.Inbound;

/// <summary>An inbound webhook event was stored (before its 202), with what its handlers added: features that read the
/// stored events (the upload feed) wake up.</summary>
public sealed record InboundEventStored(long Id, string Source, string Type);
