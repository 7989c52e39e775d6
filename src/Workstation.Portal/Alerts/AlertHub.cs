using Workstation.Portal.Presence;
using Microsoft.AspNetCore.SignalR;
using Workstation.Portal.Launch;

namespace Workstation.Portal.Alerts;

/// <summary>What external clients receive for an alert.</summary>
public sealed record AlertMessage(long Id, string Tier, string Status, string PatientName, string EncounterId, string ItemName,
    string Value, string Unit, string ReferenceRange, DateTime ReportedAt, string AccountableDoctorId, int EscalationLevel)
{
    public static AlertMessage From(CriticalValueAlert a) => new(a.Id, a.Tier, a.Status, a.PatientName, a.EncounterId, a.ItemName,
        a.Value, a.Unit, a.ReferenceRange, a.ReportedAt, a.AccountableDoctorId, a.EscalationLevel);
}

/// <summary>SignalR hub for external clients (HIS pages through the embed script, other apps); Blazor components use
/// <see cref="AlertNotifier"/> instead. Connect with <c>/hubs/alerts?s=&lt;launch session token&gt;</c>; on every
/// (re)connect the open alerts are replayed from the store.</summary>
public sealed class AlertHub(LaunchService launches, AlertService alerts, DoctorPresence presence, LocalHubConnections local, ILogger<AlertHub> logger)
    : Hub
{
    public const string CorsPolicy = "his-origins";

    public static string DoctorGroup(string doctorId) => "doctor:" + doctorId;

    public static string DepartmentGroup(string code) => "dept:" + code;

    public static string EncounterGroup(string encounterId) => "encounter:" + encounterId;

    public override async Task OnConnectedAsync()
    {
        var token = Context.GetHttpContext()?.Request.Query["s"].ToString();
        var context = await launches.ResumeAsync(token, Context.ConnectionAborted);
        if (context is null)
        {
            Context.Abort();
            return;
        }
        Context.Items["presence"] = presence.Enter(context.DoctorId);
        string[] groups = [DoctorGroup(context.DoctorId), DepartmentGroup(context.DepartmentCode), EncounterGroup(context.EncounterId)];
        Context.Items["groups"] = groups;
        foreach (var group in groups)
        {
            local.Add(group, Context.ConnectionId);
            try
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, group);
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Redis down: the connection stays; this instance still reaches it directly (LocalHubConnections).
                logger.LogWarning("Hub group {Group} not registered with the Redis backplane ({Error}); delivery stays on this instance", group, ex.Message);
            }
        }
        foreach (var alert in await alerts.OpenForAsync(context.DoctorId, Context.ConnectionAborted))
            await Clients.Caller.SendAsync("alert", AlertMessage.From(alert));
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        (Context.Items["presence"] as IDisposable)?.Dispose();
        foreach (var group in Context.Items["groups"] as string[] ?? []) local.Remove(group, Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>The hub groups of the connections on this instance. SignalR's Redis backplane delivers even local group
/// sends through Redis; when Redis is down, <see cref="AlertHubBridge"/> falls back to sending to these connections
/// one by one (a send to one local connection never goes through Redis).</summary>
public sealed class LocalHubConnections
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<string, byte>> _groups = new();

    public void Add(string group, string connectionId) => _groups.GetOrAdd(group, _ => new()).TryAdd(connectionId, 0);

    public void Remove(string group, string connectionId)
    {
        if (_groups.TryGetValue(group, out var members)) members.TryRemove(connectionId, out _);
    }

    public IReadOnlyCollection<string> In(string group) => _groups.TryGetValue(group, out var members) ? [.. members.Keys] : [];
}
