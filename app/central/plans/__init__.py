"""Visit plans on the central endpoint (issue 10): the shopper pool (`shoppers`), and
proposing, keeping, editing, publishing plans and their status (`store`). The rules are
app.programme.planning's; this package gathers their inputs and keeps their outputs."""
