using System.CommandLine;
using Causeway.Cli;
using Causeway.Errors;

var root = new RootCommand("Causeway: a local-first, geo-replicated document database for .NET.");
// Help and errors name the tool by its command, whatever the assembly is called.
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(ServeCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"causeway: {parsed.Errors[0].Message} (see 'causeway --help')");
    return 2;
}
try
{
    return await parsed.InvokeAsync();
}
catch (CausewayException e)
{
    Console.Error.WriteLine($"causeway: {e.Message} [{e.Code}]");
    return e is InvalidInputException or NotFoundException or AlreadyExistsException ? 2 : 1;
}
