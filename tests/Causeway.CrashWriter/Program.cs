Console.WriteLine("crash writer");
