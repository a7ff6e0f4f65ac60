// Placeholder until the runtime loop lands.
return 0;
