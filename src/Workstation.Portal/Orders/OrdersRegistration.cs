namespace Workstation.Portal.Orders;

/// <summary>The order feature registers itself; Hosting calls <see cref="AddOrders"/> and
/// <see cref="OrderEndpoints.MapOrderEndpoints"/>.</summary>
internal static class OrdersRegistration
{
    /// <summary>Order checks, the doctor's decisions and the background re-check of unchecked orders (section
    /// <c>Orders</c>).</summary>
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<DecidePageState>();
        services.AddScoped<IOrderChecks>(sp => sp.GetRequiredService<OrderCheckService>());
        services.AddTransient<OrderCheckService>();
        services.AddTransient<DecisionService>();
        services.AddSingleton<RetainFlights>();
        services.AddTransient<IDecisionRecorder>(sp => sp.GetRequiredService<DecisionService>());
        services.AddOptions<OrdersOptions>().Bind(configuration.GetSection(OrdersOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RecheckNotifier>();
        services.AddSingleton<RecheckService>();
        services.AddHostedService(sp => sp.GetRequiredService<RecheckService>());
        return services;
    }

    /// <summary>The feature's endpoints.</summary>
    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app) => app.MapOrderEndpoints();
}
