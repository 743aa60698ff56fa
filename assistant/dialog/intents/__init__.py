"""One module per intent family; each turns an IntentMatch and the dialog context into a Reply."""
