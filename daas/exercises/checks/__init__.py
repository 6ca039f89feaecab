"""One module per masterclass topic; each check takes (answer, city) and returns Feedback."""
