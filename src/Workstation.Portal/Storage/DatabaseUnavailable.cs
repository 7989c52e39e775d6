using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Workstation.Portal.Storage;

/// <summary>API requests that fail because the database cannot be reached (PostgreSQL restarting, network cut) get a
/// 503 ProblemDetails in plain words with Retry-After, instead of a bare 500: the caller (HIS, LIS, the card
/// terminal) retries, and since nothing was stored, nothing is half done — a webhook is stored only when it is
/// answered 202, a decision only when it is answered 200.</summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!http.Request.Path.StartsWithSegments("/api") || !IsUnreachable(exception)) return false;
        logger.LogError("Database unreachable for {Method} {Path}: {Error}", http.Request.Method, http.Request.Path, exception.GetBaseException().Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "数据库暂时无法访问，请稍后重试。 The database is temporarily unavailable; try again shortly.",
                Detail = "Nothing was stored for this request. Send it again in a few seconds.",
            },
        });
    }

    /// <summary>A database failure at connection level (not a constraint violation or a bad query). Only database
    /// exceptions count: a socket error or timeout of an HTTP call to HIS, LIS or the platform is not this.</summary>
    internal static bool IsUnreachable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true }) return true;
            if (e is Npgsql.NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException }) return true;
            if (e is Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" }) return true; // admin shutdown, crash, starting up
        }
        return false;
    }
}
