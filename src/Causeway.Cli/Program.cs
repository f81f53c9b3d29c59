using System.CommandLine;
using Causeway.Cli;
using Causeway.Errors;

var root = new RootCommand("Causeway: a local-first, geo-replicated document database for .NET.");
// Help and errors name the tool by its command, whatever the assembly is called.
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(Causeway.Cli.Commands.DbCommands.Create());
root.Subcommands.Add(Causeway.Cli.Commands.DocCommands.Create());
root.Subcommands.Add(Causeway.Cli.Commands.DocCommands.Transaction());
root.Subcommands.Add(Causeway.Cli.Commands.DocCommands.Query());
root.Subcommands.Add(Causeway.Cli.Commands.SchemaCommands.Schema());
root.Subcommands.Add(Causeway.Cli.Commands.MigrationCommands.Migrate());
root.Subcommands.Add(Causeway.Cli.Commands.SchemaCommands.Reservations());
root.Subcommands.Add(Causeway.Cli.Commands.FunctionCommands.Create());
root.Subcommands.Add(Causeway.Cli.Commands.LedgerCommands.Changes());
root.Subcommands.Add(Causeway.Cli.Commands.LedgerCommands.Verify());
root.Subcommands.Add(Causeway.Cli.Commands.LedgerCommands.Export());
root.Subcommands.Add(Causeway.Cli.Commands.LedgerCommands.Import());
root.Subcommands.Add(Causeway.Cli.Commands.SyncCommands.Sync());
root.Subcommands.Add(Causeway.Cli.Commands.SyncCommands.Peers());
root.Subcommands.Add(Causeway.Cli.Commands.KeyCommands.Key());
root.Subcommands.Add(Causeway.Cli.Commands.TokenCommands.Token());
root.Subcommands.Add(Causeway.Cli.Commands.BackupCommands.Backup());
root.Subcommands.Add(Causeway.Cli.Commands.BackupCommands.Restore());

// `schema diff` is parsed beside `schema DB`, not under it: as its subcommand, its usage and help
// would list schema's own arguments.
var parsed = args is ["schema", "diff", ..] ? Causeway.Cli.Commands.MigrationCommands.DiffRoot(root.Description!).Parse(args) : root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line, whatever the parser's message looks like (a list of allowed values spans several).
    string message = string.Join(' ', parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    Console.Error.WriteLine($"causeway: {message} (see 'causeway --help')");
    return 2;
}
try
{
    // Errors are ours to report: one line, no stack trace.
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CausewayException e)
{
    Console.Error.WriteLine($"causeway: {e.Message} [{e.Code}]");
    // Input the database refuses as it stands (malformed, a schema it cannot keep, a write that breaks a
    // constraint, a write whose precondition does not hold) is the caller's to fix: 2. The rest (state,
    // peers, access) is 1.
    return e is InvalidInputException or SchemaViolationException or ConstraintViolationException or PreconditionFailedException ? 2 : 1;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"causeway: {e.Message}");
    return e is System.Text.Json.JsonException ? 2 : 1;
}
