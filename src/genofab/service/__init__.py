"""The use cases every front end shares (the command line, the REST API, the pages): check and
save scenarios and plans, run them as jobs, take and decide demand requests, schedule the
platform. They load from files or the database, call the engines and save results."""
