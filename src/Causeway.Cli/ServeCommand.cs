using System.CommandLine;
using Causeway.Server;
using Causeway.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Causeway.Cli;

/// <summary><c>causeway serve</c>: a replica behind the HTTP API. With no arguments it keeps its data
/// in ./causeway-data and listens on http://127.0.0.1:7480.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The replica's folder (store, identity, tokens).", DefaultValueFactory = _ => "causeway-data" };
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => ServerOptions.DefaultUrl };
        var dev = new Option<bool>("--dev") { Description = "Allow unauthenticated requests from loopback (development only)." };
        var ownerKey = new Option<string?>("--owner-key")
        {
            Description = "Key file of the owner of the databases (the subject of every capability, the issuer of root delegations); the replica's own identity.key by default.",
        };
        var corsOrigins = new Option<string[]>("--cors-origin")
        {
            Description = "An origin (https://app.example) whose pages may call the API from a browser; repeat for more. None by default.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("serve", "Run a Causeway server: the HTTP API over a replica in a folder.") { data, urls, dev, ownerKey, corsOrigins };
        command.SetAction((result, cancellation) => RunAsync(new ServerOptions
        {
            DataDirectory = result.GetValue(data)!,
            Urls = result.GetValue(urls)!,
            Dev = result.GetValue(dev),
            OwnerKeyFile = result.GetValue(ownerKey),
            CorsOrigins = result.GetValue(corsOrigins) ?? [],
        }));
        return command;
    }

    private static async Task<int> RunAsync(ServerOptions options)
    {
        foreach (var origin in options.CorsOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"'{origin}' is not an origin for --cors-origin: scheme, host and port only (https://app.example).");
        foreach (var url in options.Urls.Split(';'))
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"'{url}' is not an http(s) URL for --urls.");
        // A serve that cannot start leaves nothing behind: no folder, identity or tokens it made.
        bool existed = Directory.Exists(options.DataDirectory);
        Microsoft.AspNetCore.Builder.WebApplication app;
        try { app = await CausewayServer.BuildAsync(options); }
        catch when (!existed) { TryRemove(options.DataDirectory); throw; }
        var replica = (Replica)app.Services.GetService(typeof(Replica))!;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            AnsiConsole.Write(new Text($"Causeway is listening on {string.Join(", ", app.Urls)}\n", new Style(Color.Green)));
            AnsiConsole.Write(new Text($"replica  {replica.Did}\n"));
            var access = (AccessControl)app.Services.GetService(typeof(AccessControl))!;
            AnsiConsole.Write(new Text($"owner    {access.OwnerOf(null)}{(access.OwnerOf(null) == replica.Did ? " (the replica)" : "")}\n"));
            AnsiConsole.Write(new Text($"data     {Path.GetFullPath(options.DataDirectory)}\n"));
            AnsiConsole.Write(new Text($"token    {Path.GetFullPath(Path.Combine(options.DataDirectory, StaticTokens.AdminFile))} (admin), {StaticTokens.ReadFile} (read-only)\n"));
            if (options.Dev)
                AnsiConsole.Write(new Text("DEV MODE: requests from loopback need no token. Never use this where others can reach the machine.\n", new Style(Color.Yellow, decoration: Decoration.Bold)));
        });
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await app.DisposeAsync();
            if (!existed) TryRemove(options.DataDirectory);
            throw new Errors.UnavailableException($"Cannot listen on {options.Urls}: {FirstLine(e.Message)}", e);
        }
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static void TryRemove(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* leave it; the error that matters is the one above */ }
    }
}
