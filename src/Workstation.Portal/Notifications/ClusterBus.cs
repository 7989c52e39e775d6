using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Workstation.Portal.Notifications;

/// <summary>Carries in-process notifications to the other portal instances: Redis pub/sub when
/// <c>ConnectionStrings:Redis</c> is set, nothing otherwise (one instance). Handlers get only other instances' messages.</summary>
internal interface IClusterBus
{
    void Publish(string channel, string payload);

    IDisposable Subscribe(string channel, Action<string> handler);
}

/// <summary>One instance: nothing to carry.</summary>
internal sealed class LocalClusterBus : IClusterBus
{

    public void Publish(string channel, string payload)
    {
    }

    public IDisposable Subscribe(string channel, Action<string> handler) => new Nothing();

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

/// <summary>Redis pub/sub. Redis down: publishing is skipped with a warning (the instance's own circuits were already
/// told), the connection is retried in the background, and health says degraded until it is back.</summary>
internal sealed class RedisClusterBus(IConnectionMultiplexer redis, ILogger<RedisClusterBus> logger) : IClusterBus, IHealthCheck
{

    private readonly string _instance = Guid.NewGuid().ToString("N");

    public void Publish(string channel, string payload)
    {
        try
        {
            redis.GetSubscriber().Publish(RedisChannel.Literal(channel), _instance + "|" + payload, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            logger.LogWarning("Redis unavailable: {Channel} notification stays on this instance ({Error})", channel, ex.Message);
        }
    }

    public IDisposable Subscribe(string channel, Action<string> handler)
    {
        var subscriber = redis.GetSubscriber();
        var redisChannel = RedisChannel.Literal(channel);
        Action<RedisChannel, RedisValue> onMessage = (_, value) =>
        {
            var text = (string?)value ?? "";
            var split = text.IndexOf('|');
            if (split < 0 || text[..split] == _instance) return; // our own message: already delivered here
            handler(text[(split + 1)..]);
        };
        // Fire and forget: registered here at once and sent to Redis when it is reachable (StackExchange.Redis subscribes
        // again after every reconnect), so neither starting nor stopping an instance fails while Redis is down.
        Guarded(() => subscriber.Subscribe(redisChannel, onMessage, CommandFlags.FireAndForget), "subscribe", channel);
        return new Unsubscribe(() => Guarded(() => subscriber.Unsubscribe(redisChannel, onMessage, CommandFlags.FireAndForget), "unsubscribe", channel));
    }

    private void Guarded(Action action, string what, string channel)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            logger.LogWarning("Redis unavailable: {What} {Channel} not sent ({Error})", what, channel, ex.Message);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsConnected ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded("Redis unreachable: notifications stay per instance"));

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}

/// <summary>A <see cref="Notifier{T}"/> whose events also reach the same notifier on every other instance (JSON over
/// <see cref="IClusterBus"/>).</summary>
internal class ClusterNotifier<T> : IDisposable
{
    private readonly Notifier<T> _all;
    private readonly IClusterBus _bus;
    private readonly string _channel;
    private readonly IDisposable _remote;

    public ClusterNotifier(string channel, IClusterBus bus, ILoggerFactory loggers)
    {
        _all = new Notifier<T>(loggers.CreateLogger<Notifier<T>>());
        _bus = bus;
        _channel = channel;
        _remote = bus.Subscribe(channel, json =>
        {
            if (JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web) is { } value) _all.Publish(value);
        });
    }

    /// <summary>Every event, from this instance or another, until disposed.</summary>
    public IDisposable Subscribe(Action<T> listener) => _all.Subscribe(listener);

    public void Publish(T value)
    {
        _all.Publish(value);
        _bus.Publish(_channel, JsonSerializer.Serialize(value, JsonSerializerOptions.Web));
    }

    public void Dispose() => _remote.Dispose();
}

internal static class ClusterBusRegistration
{
    /// <summary>The in-process notifier machinery, and Redis pub/sub between instances when configured.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(typeof(Notifier<>));
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false; // start without Redis; reconnect when it comes back
                return ConnectionMultiplexer.Connect(options);
            });
            services.AddSingleton<RedisClusterBus>();
            services.AddSingleton<IClusterBus>(sp => sp.GetRequiredService<RedisClusterBus>());
            services.AddHealthChecks().AddCheck<RedisClusterBus>("redis", HealthStatus.Degraded, ["ready"]);
        }
        else
        {
            services.AddSingleton<IClusterBus, LocalClusterBus>();
        }
        return services;
    }
}
