"""The city profile: its neighbourhoods, headline figures and renters (`city_profile`)."""
