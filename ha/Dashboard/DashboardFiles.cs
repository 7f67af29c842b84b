using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Istore.Ha.Dashboard;

/// <summary>
/// Serves the dashboard from the resources the build embeds into istore-ha (the page's files and
/// uPlot's dist files): <c>GET /</c> is the page, <c>GET /assets/{file}</c> the rest. Public: the
/// page reads the admin token from its URL fragment and sends it to the API itself. The names are
/// not fingerprinted, so every answer carries an ETag and "no-cache": browsers revalidate (304)
/// and never run an old script after an upgrade.
/// </summary>
public static class DashboardFiles
{
    private const string ResourcePrefix = "dashboard/";

    // The page loads only its own files and talks only to its own origin.
    private const string PagePolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    public static void Map(WebApplication app)
    {
        var files = Load();
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/", methods, context => Serve(context, files, "index.html"));
        app.MapMethods("/assets/{file}", methods, context => Serve(context, files, (string)context.Request.RouteValues["file"]!));
    }

    private static Task Serve(HttpContext context, Dictionary<string, EmbeddedFile> files, string name)
    {
        var response = context.Response;
        if (!files.TryGetValue(name, out var file))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        response.Headers.ETag = file.ETag;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        if (name == "index.html")
        {
            response.Headers.ContentSecurityPolicy = PagePolicy;
            response.Headers["Referrer-Policy"] = "no-referrer";
        }
        if (context.Request.Headers.IfNoneMatch.Any(tags => tags is not null && tags.Contains(file.ETag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = file.ContentType;
        response.ContentLength = file.Bytes.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(file.Bytes).AsTask();
    }

    private static Dictionary<string, EmbeddedFile> Load()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        var files = new Dictionary<string, EmbeddedFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes), 0, 8) + "\"";
            files[resource[ResourcePrefix.Length..]] = new EmbeddedFile(bytes, ContentType(resource), etag);
        }
        if (!files.ContainsKey("index.html"))
            throw new InvalidOperationException("istore-ha was built without the dashboard (no embedded dashboard/index.html)");
        return files;
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };

    private sealed record EmbeddedFile(byte[] Bytes, string ContentType, string ETag);
}
