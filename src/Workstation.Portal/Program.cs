using Workstation.Portal.Hosting;

return await PortalApplication.RunAsync(args);

/// <summary>Entry point; public so that tests can host the portal.</summary>
public partial class Program;
