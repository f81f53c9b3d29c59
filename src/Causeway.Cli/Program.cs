Console.WriteLine("causeway");
